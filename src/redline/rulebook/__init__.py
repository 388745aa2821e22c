"""The rulebook: regulations, their articles quoted verbatim, triggers and checklists, as data with a schema and a linter."""
