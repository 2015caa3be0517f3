module github.com/cabinet-go/cabinet/benchmarks/peers

go 1.26.0

replace github.com/cabinet-go/cabinet => ../..

require (
	github.com/cabinet-go/cabinet v0.0.0-00010101000000-000000000000
	github.com/casbin/casbin/v2 v2.135.0
	github.com/cedar-policy/cedar-go v1.9.1
	github.com/leanovate/gopter v0.2.11
)

require (
	github.com/bmatcuk/doublestar/v4 v4.6.1 // indirect
	github.com/casbin/govaluate v1.3.0 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/exp v0.0.0-20220921023135-46d9e7742f1e // indirect
)
