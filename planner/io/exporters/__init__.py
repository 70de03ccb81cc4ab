"""Plans written back into other systems: InvenTree's allocations (`inventree` works out the requests,
`post` sends them or, in a dry run, only lists them)."""
