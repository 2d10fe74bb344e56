"""Reading eFiction 3.x archives: rows from a MySQL/MariaDB server (mysql.py) or a mysqldump
file (dump.py), the same in-memory rows either way (archive.py), and the mapping of those rows
to works, accounts, series and reviews (mapping.py, mapper.py)."""
