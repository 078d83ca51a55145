module github.com/wxpos/wxpos/scripts/pinyingen

go 1.26

require github.com/mozillazg/go-pinyin v0.21.0 // indirect
