"""The holder's pages: the step-by-step request form, the request page and its documents.

Views stay thin: one access helper per object (`applications.access`, 404 for anyone else), forms for input,
one service per change (a ValidationError from a service becomes form errors, never a 500), selectors for reads.

- `request_page`: start a request, the request page, its messages, the withdrawal;
- `steps` (with `step_base` and `holder_step`): the step-by-step form;
- `documents`: the PDF receipt and the attached documents.
"""
