"""Alert delivery: routes, rendering (text, HTML, Slack, Markdown, JSON), channels and the outbox worker.

The crawl only writes outbox rows; this package drains them. It imports `storage`, `diff` and
`options` and nothing else of regwatch, so a broken channel can never stop a crawl, and a crawl can never send.
"""
