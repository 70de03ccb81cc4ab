"""Scenarios in and plans out in bulk: importers from other systems, the generator, batch runs."""
