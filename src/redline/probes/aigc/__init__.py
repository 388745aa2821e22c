"""The aigc-label probe: GB 45438-2025 implicit and explicit labels, and C2PA manifests."""
