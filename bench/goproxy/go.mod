module connectors-api/bench/goproxy

go 1.19
