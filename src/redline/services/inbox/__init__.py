"""The inbox: every request or notice sent to a party lands with the users of the receiving organisation or
office, with unread counts, and asks for its action (a banner) until that action is taken."""
