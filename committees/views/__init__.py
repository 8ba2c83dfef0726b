"""Committee pages: committees and members, sessions (agenda, convocations, attendance, votes, decisions,
closing, minutes and letters) and the payments of a fund. `committees/urls.py` routes to the modules.

Views stay thin: every object comes from `committees.access` (404 for anyone who may not read it, 403 for a
reader who may not run it), forms for input, exactly one service per POST. A service's ValidationError
becomes form errors (page shown again, status 400) or an error message; never a 500.
"""
