;; LZ4 block decoding and the xxHash32 of the decoded bytes, for raft/lz4-block.ts, which lays out
;; this module's memory and is the only caller. Assembled by `pnpm build:wasm` (scripts/wasm.ts, with
;; wabt's wat2wasm) into raft/lz4-wasm.ts; test/wasm-modules.test.ts checks that the two agree.
;;
;; Why not JavaScript: the same decoder in JS ran at ~0.8 GB/s here, half the speed of the lz4 CLI,
;; and hashing through xxhash-wasm copied every block into that module's memory first
;; (bench/RESULTS.md, sixth pass). Here both run in place, on the memory the caller's file writes
;; read from.
;;
;; Formats: lz4/lz4:doc/lz4_Block_format.md (token, literals, 16-bit offset, match length) and
;; Cyan4973/xxHash:doc/xxhash_spec.md (XXH32: four lanes over 16-byte stripes, then the tail).
(module
  ;; 131 pages of 64 KiB, fixed: the minimum is the maximum, so the memory never grows and the
  ;; views JS holds of it are never detached.
  (memory (export "memory") 131 131)

  ;; Decode the block in [sp, end) to op, matches reaching back no further than low, writing nothing
  ;; at or past limit. Returns the bytes decoded, or -1 for a malformed block: a run past the input
  ;; or the output, an offset of 0 or before low, a block ending in a match. Copies of up to 16
  ;; literals and of matches from 8 or more bytes back move 8 bytes at a time and may write up to 15
  ;; bytes past their end, never at or past limit; what they write there is overwritten by the next
  ;; sequence or lies past the block's output.
  (func (export "decode")
    (param $sp i32) (param $end i32) (param $op i32) (param $limit i32) (param $low i32)
    (result i32)
    (local $at i32) (local $token i32) (local $n i32) (local $more i32)
    (local $offset i32) (local $from i32) (local $i i32)
    (local.set $at (local.get $op))
    (loop $sequence
      ;; The token; a block ends with literals, never after a match.
      (if (i32.ge_u (local.get $sp) (local.get $end)) (then (return (i32.const -1))))
      (local.set $token (i32.load8_u (local.get $sp)))
      (local.set $sp (i32.add (local.get $sp) (i32.const 1)))

      ;; Literals: their count, spilling into bytes of 255 and a remainder.
      (local.set $n (i32.shr_u (local.get $token) (i32.const 4)))
      (if (i32.eq (local.get $n) (i32.const 15))
        (then
          (loop $more_literals
            (if (i32.ge_u (local.get $sp) (local.get $end)) (then (return (i32.const -1))))
            (local.set $more (i32.load8_u (local.get $sp)))
            (local.set $sp (i32.add (local.get $sp) (i32.const 1)))
            (local.set $n (i32.add (local.get $n) (local.get $more)))
            (br_if $more_literals (i32.eq (local.get $more) (i32.const 255))))))
      (if (i32.or
            (i32.gt_u (local.get $n) (i32.sub (local.get $end) (local.get $sp)))
            (i32.gt_u (local.get $n) (i32.sub (local.get $limit) (local.get $op))))
        (then (return (i32.const -1))))
      (if (i32.and
            (i32.le_u (local.get $n) (i32.const 16))
            (i32.le_u (i32.add (local.get $op) (i32.const 16)) (local.get $limit)))
        (then
          (i64.store (local.get $op) (i64.load (local.get $sp)))
          (i64.store offset=8 (local.get $op) (i64.load offset=8 (local.get $sp))))
        (else (memory.copy (local.get $op) (local.get $sp) (local.get $n))))
      (local.set $op (i32.add (local.get $op) (local.get $n)))
      (local.set $sp (i32.add (local.get $sp) (local.get $n)))
      ;; The last sequence has no match.
      (if (i32.eq (local.get $sp) (local.get $end))
        (then (return (i32.sub (local.get $op) (local.get $at)))))

      ;; The match: a 16-bit offset back, then its length less 4 in the token's low bits, spilling.
      (if (i32.lt_u (i32.sub (local.get $end) (local.get $sp)) (i32.const 2))
        (then (return (i32.const -1))))
      (local.set $offset (i32.load16_u (local.get $sp)))
      (local.set $sp (i32.add (local.get $sp) (i32.const 2)))
      (local.set $n (i32.and (local.get $token) (i32.const 15)))
      (if (i32.eq (local.get $n) (i32.const 15))
        (then
          (loop $more_match
            (if (i32.ge_u (local.get $sp) (local.get $end)) (then (return (i32.const -1))))
            (local.set $more (i32.load8_u (local.get $sp)))
            (local.set $sp (i32.add (local.get $sp) (i32.const 1)))
            (local.set $n (i32.add (local.get $n) (local.get $more)))
            (br_if $more_match (i32.eq (local.get $more) (i32.const 255))))))
      (local.set $n (i32.add (local.get $n) (i32.const 4)))
      ;; low <= op always, so op - low does not wrap.
      (if (i32.or
            (i32.or
              (i32.eqz (local.get $offset))
              (i32.gt_u (local.get $offset) (i32.sub (local.get $op) (local.get $low))))
            (i32.gt_u (local.get $n) (i32.sub (local.get $limit) (local.get $op))))
        (then (return (i32.const -1))))
      (local.set $from (i32.sub (local.get $op) (local.get $offset)))
      (if (i32.and
            (i32.ge_u (local.get $offset) (i32.const 8))
            (i32.le_u (i32.add (local.get $n) (i32.const 8)) (i32.sub (local.get $limit) (local.get $op))))
        (then
          (if (i32.and (i32.ge_u (local.get $offset) (local.get $n)) (i32.gt_u (local.get $n) (i32.const 32)))
            ;; Apart from each other: one copy.
            (then (memory.copy (local.get $op) (local.get $from) (local.get $n)))
            ;; 8 bytes at a time: each load reads only bytes already written, even when the match
            ;; overlaps its own output (it then repeats the last `offset` bytes, as it should).
            (else
              (local.set $i (i32.const 0))
              (loop $words
                (i64.store
                  (i32.add (local.get $op) (local.get $i))
                  (i64.load (i32.add (local.get $from) (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br_if $words (i32.lt_u (local.get $i) (local.get $n)))))))
        (else
          (if (i32.eq (local.get $offset) (i32.const 1))
            ;; A run of one byte: the zeros of SQLite pages.
            (then (memory.fill (local.get $op) (i32.load8_u (local.get $from)) (local.get $n)))
            ;; A pattern shorter than 8 bytes, or near the limit: byte by byte.
            (else
              (local.set $i (i32.const 0))
              (loop $bytes
                (i32.store8
                  (i32.add (local.get $op) (local.get $i))
                  (i32.load8_u (i32.add (local.get $from) (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $bytes (i32.lt_u (local.get $i) (local.get $n))))))))
      (local.set $op (i32.add (local.get $op) (local.get $n)))
      (br $sequence))
    (unreachable))

  ;; XXH32, streaming. The state lives at $state (48 bytes the caller leaves alone): four lanes at
  ;; +0..+15, the total length at +16 (low 32 bits) and whether it reached 16 at +20, the bytes of an
  ;; unfinished stripe at +24..+39 and their count at +40.
  ;; The primes, written in place as constants (read from globals they cost ~20% here): P1 0x9E3779B1,
  ;; P2 0x85EBCA77, P3 0xC2B2AE3D, P4 0x27D4EB2F, P5 0x165667B1.

  (func (export "hashInit") (param $state i32) (param $seed i32)
    (i32.store offset=0 (local.get $state) (i32.add (i32.add (local.get $seed) (i32.const 0x9E3779B1)) (i32.const 0x85EBCA77)))
    (i32.store offset=4 (local.get $state) (i32.add (local.get $seed) (i32.const 0x85EBCA77)))
    (i32.store offset=8 (local.get $state) (local.get $seed))
    (i32.store offset=12 (local.get $state) (i32.sub (local.get $seed) (i32.const 0x9E3779B1)))
    (i32.store offset=16 (local.get $state) (i32.const 0))
    (i32.store offset=20 (local.get $state) (i32.const 0))
    (i32.store offset=40 (local.get $state) (i32.const 0)))

  ;; Stripes of 16 bytes from p, as many as fit before end; returns where it stopped. The round
  ;; (lane + input × P2, rotated left 13, × P1) is spelled out per lane: a call per lane halved the speed.
  (func $stripes (param $state i32) (param $p i32) (param $end i32) (result i32)
    (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $v4 i32)
    (local.set $v1 (i32.load offset=0 (local.get $state)))
    (local.set $v2 (i32.load offset=4 (local.get $state)))
    (local.set $v3 (i32.load offset=8 (local.get $state)))
    (local.set $v4 (i32.load offset=12 (local.get $state)))
    (block $done
      (loop $stripe
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $v1
          (i32.mul
            (i32.rotl
              (i32.add (local.get $v1) (i32.mul (i32.load offset=0 (local.get $p)) (i32.const 0x85EBCA77)))
              (i32.const 13))
            (i32.const 0x9E3779B1)))
        (local.set $v2
          (i32.mul
            (i32.rotl
              (i32.add (local.get $v2) (i32.mul (i32.load offset=4 (local.get $p)) (i32.const 0x85EBCA77)))
              (i32.const 13))
            (i32.const 0x9E3779B1)))
        (local.set $v3
          (i32.mul
            (i32.rotl
              (i32.add (local.get $v3) (i32.mul (i32.load offset=8 (local.get $p)) (i32.const 0x85EBCA77)))
              (i32.const 13))
            (i32.const 0x9E3779B1)))
        (local.set $v4
          (i32.mul
            (i32.rotl
              (i32.add (local.get $v4) (i32.mul (i32.load offset=12 (local.get $p)) (i32.const 0x85EBCA77)))
              (i32.const 13))
            (i32.const 0x9E3779B1)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $stripe)))
    (i32.store offset=0 (local.get $state) (local.get $v1))
    (i32.store offset=4 (local.get $state) (local.get $v2))
    (i32.store offset=8 (local.get $state) (local.get $v3))
    (i32.store offset=12 (local.get $state) (local.get $v4))
    (local.get $p))

  (func (export "hashUpdate") (param $state i32) (param $p i32) (param $length i32)
    (local $end i32) (local $have i32) (local $take i32) (local $total i32)
    (local.set $end (i32.add (local.get $p) (local.get $length)))
    (local.set $total (i32.add (i32.load offset=16 (local.get $state)) (local.get $length)))
    (i32.store offset=16 (local.get $state) (local.get $total))
    (i32.store offset=20 (local.get $state)
      (i32.or
        (i32.load offset=20 (local.get $state))
        (i32.or (i32.ge_u (local.get $length) (i32.const 16)) (i32.ge_u (local.get $total) (i32.const 16)))))
    ;; First finish a stripe left unfinished by the last call.
    (local.set $have (i32.load offset=40 (local.get $state)))
    (if (i32.gt_u (local.get $have) (i32.const 0))
      (then
        (local.set $take (i32.sub (i32.const 16) (local.get $have)))
        (if (i32.gt_u (local.get $take) (local.get $length)) (then (local.set $take (local.get $length))))
        (memory.copy
          (i32.add (i32.add (local.get $state) (i32.const 24)) (local.get $have))
          (local.get $p)
          (local.get $take))
        (local.set $have (i32.add (local.get $have) (local.get $take)))
        (local.set $p (i32.add (local.get $p) (local.get $take)))
        (if (i32.lt_u (local.get $have) (i32.const 16))
          (then
            (i32.store offset=40 (local.get $state) (local.get $have))
            (return)))
        (drop (call $stripes
          (local.get $state)
          (i32.add (local.get $state) (i32.const 24))
          (i32.add (local.get $state) (i32.const 40))))))
    (local.set $p (call $stripes (local.get $state) (local.get $p) (local.get $end)))
    (local.set $have (i32.sub (local.get $end) (local.get $p)))
    (memory.copy (i32.add (local.get $state) (i32.const 24)) (local.get $p) (local.get $have))
    (i32.store offset=40 (local.get $state) (local.get $have)))

  (func (export "hashDigest") (param $state i32) (result i32)
    (local $h i32) (local $p i32) (local $end i32)
    (if (i32.load offset=20 (local.get $state))
      (then
        (local.set $h
          (i32.add
            (i32.add
              (i32.rotl (i32.load offset=0 (local.get $state)) (i32.const 1))
              (i32.rotl (i32.load offset=4 (local.get $state)) (i32.const 7)))
            (i32.add
              (i32.rotl (i32.load offset=8 (local.get $state)) (i32.const 12))
              (i32.rotl (i32.load offset=12 (local.get $state)) (i32.const 18))))))
      ;; Under 16 bytes in all: lane 3 still holds the seed.
      (else (local.set $h (i32.add (i32.load offset=8 (local.get $state)) (i32.const 0x165667B1)))))
    (local.set $h (i32.add (local.get $h) (i32.load offset=16 (local.get $state))))
    (local.set $p (i32.add (local.get $state) (i32.const 24)))
    (local.set $end (i32.add (local.get $p) (i32.load offset=40 (local.get $state))))
    (block $words_done
      (loop $words
        (br_if $words_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $end)))
        (local.set $h
          (i32.mul
            (i32.rotl
              (i32.add (local.get $h) (i32.mul (i32.load (local.get $p)) (i32.const 0xC2B2AE3D)))
              (i32.const 17))
            (i32.const 0x27D4EB2F)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $words)))
    (block $bytes_done
      (loop $bytes
        (br_if $bytes_done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $h
          (i32.mul
            (i32.rotl
              (i32.add (local.get $h) (i32.mul (i32.load8_u (local.get $p)) (i32.const 0x165667B1)))
              (i32.const 11))
            (i32.const 0x9E3779B1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $bytes)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))) (i32.const 0x85EBCA77)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xC2B2AE3D)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
)
