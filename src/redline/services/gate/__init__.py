"""The release gate: whether a planned change needs an assessment that has not been filed (`redline gate`)."""
