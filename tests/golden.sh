#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every golden test (tests/run-golden).
exec "${top_srcdir:-$(dirname "$0")/..}/tests/run-golden"
