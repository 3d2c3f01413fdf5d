-- wrk script: PUT /v1/identity with If-Match: * (every request is applied and made durable).
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["If-Match"] = "*"
wrk.body = '{"email":"bench.user@naver.com","phone":{"number":"010-1234-5678","overseas":false}}'
