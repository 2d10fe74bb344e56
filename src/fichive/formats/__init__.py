"""File formats: importers that turn uploaded files into works, exporters that write them out."""
