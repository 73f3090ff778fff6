package user

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
)

// maxLineLen bounds the length of one line that the parsers look at. Lines
// longer than this (a hostile file could hold a line of gigabytes) are
// skipped without being stored; shorter lines of any length, such as a
// group with very many members, are parsed in full.
const maxLineLen = 4 << 20

// eachLine calls fn for every non-empty line of r that is not a "#"
// comment, with surrounding white space removed.
func eachLine(r io.Reader, fn func(line []byte)) error {
	rd := bufio.NewReaderSize(r, 64*1024)
	var (
		line     []byte
		tooLong  bool
		finished bool
	)
	for !finished {
		chunk, err := rd.ReadSlice('\n')
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			// Part of a longer line: keep collecting.
			if !tooLong {
				if len(line)+len(chunk) > maxLineLen {
					tooLong, line = true, nil
				} else {
					line = append(line, chunk...)
				}
			}
			continue
		case errors.Is(err, io.EOF):
			finished = true
		default:
			return err
		}
		if !tooLong {
			if len(line)+len(chunk) <= maxLineLen {
				line = append(line, chunk...)
				if l := bytes.TrimSpace(line); len(l) > 0 && l[0] != '#' {
					fn(l)
				}
			}
		}
		line, tooLong = line[:0], false
	}
	return nil
}

// atoi parses a decimal int field; malformed or empty values give 0, as
// in the traditional parsers of these files.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// atoi64 is atoi for int64 fields.
func atoi64(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// fields splits a colon-separated line into exactly n fields; missing
// trailing fields are empty and extra ones are dropped.
func fields(line []byte, n int) []string {
	parts := strings.SplitN(string(line), ":", n+1)
	out := make([]string, n)
	copy(out, parts)
	return out
}
