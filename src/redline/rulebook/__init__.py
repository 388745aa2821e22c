"""The rulebook: regulations, their articles quoted verbatim, triggers and checklists; data, schema, lint."""
