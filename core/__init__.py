"""What every app shares and nothing else: API errors and the version check, outages, the calendar of periods.

`core` imports no other app of the project; every app may import it.
"""
