// Package policy is the one place that answers "can X do Y on Z?" across
// the whole library (POL-1 … POL-6).
//
// (Package documentation in progress: semantics, routes, decisions.)
package policy
