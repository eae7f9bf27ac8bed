"""A local look-alike of www.miit.gov.cn and www.samr.gov.cn for tests, the demo and the benchmark.

Start it with ``python -m replica --port 0``; it prints one base URL per site. The content follows a
timeline of states (see ``replica.timeline``) and can misbehave on request (see ``replica.faults``).
This package imports nothing from regwatch, so it can stand in for the real sites unchanged.
"""
