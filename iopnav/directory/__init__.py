"""The program directory: IOP programs, search, CSV import/export."""
