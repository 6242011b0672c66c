"""What operators and load balancers read from every server:

metrics       Prometheus metrics of this process (turn latency, lock wait,
              hand-offs by kind, flags written, errors by kind)
readiness     named dependency checks (stores, lock store, model) behind /ready
turns         one record per answered message: its latency and, with
              IOP_LOG_FORMAT=json, one log line (request id, server, latency)
jsonlog       the JSON log format (IOP_LOG_FORMAT=json) and the server's name
endpoints     GET /ready and GET /metrics on a Sanic app or blueprint
rasa_channel  the same two routes inside the Rasa server (an input channel)

docs/operations.md says what each endpoint answers and how to scrape it.
"""
