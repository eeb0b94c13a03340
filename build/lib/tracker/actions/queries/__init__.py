"""What the action pages show, one module a page. Queries read; they never change anything."""
