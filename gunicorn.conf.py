"""gunicorn's settings for Dakghar (production, README; the benchmarks, tests/load).

Options given on the command line (--workers, --bind, --timeout) win over this file.
"""

# gunicorn refuses an over-long request line or header itself, with a bare HTML page
# and no error shape. Its limits sit a little above ours, so that from 4 KB of URL and
# 8 KB of header accounts.requestguard answers (414 / 431, in the API's error shape or a
# bilingual page); only past these does gunicorn's own page appear.
limit_request_line = 8190  # gunicorn's maximum
limit_request_field_size = 16380
