"""Pages of the reports app, one module per topic; `reports.urls` and `reports.annual_urls` route to them.

Bilans:
- The holder fills the bilan section by section (each section saves a draft), then files it.
- The carrier association's staff follow expected, late and received bilans, accept them or send them
  back with a comment, and close the request.
- Co-funders' staff read filed bilans and download their PDF.

Annual reports, the funders' dashboard and the public showcase of funded projects.

Views stay thin: every object comes through `reports.access` (404 for anyone who may not see it), forms for
input, exactly one service per POST (a ValidationError from a service becomes form errors, never a 500),
selectors for reads.
"""
