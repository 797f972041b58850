module github.com/ast2500emu/ast2500emu

go 1.23
