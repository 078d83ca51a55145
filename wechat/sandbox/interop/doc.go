// Package interop holds tests only: third-party WeChat Pay clients driven
// against the sandbox with nothing changed but where their connections go.
// See ../README.md ("Interoperability") for what each client covers.
package interop
