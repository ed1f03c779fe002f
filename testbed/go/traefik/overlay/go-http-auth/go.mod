// go-http-auth v0.4.0 has no go.mod; this one makes the assembled copy a module.
module github.com/abbot/go-http-auth

go 1.21
