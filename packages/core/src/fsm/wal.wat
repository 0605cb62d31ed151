;; SQLite's WAL checksum (walChecksumBytes in sqlite/sqlite:src/wal.c, described in
;; https://www.sqlite.org/fileformat.html#checksum_algorithm) for fsm/wal.ts, which lays out this
;; module's memory and is the only caller. Assembled by `pnpm build:wasm` (scripts/wasm.ts) into
;; fsm/wal-wasm.ts; test/wasm-modules.test.ts checks that the two agree.
;;
;; Why not JavaScript: a dqlite snapshot carries each database's WAL (the repo's sample: 8 MB in two),
;; read once per run, mostly before V8 has optimised a JavaScript loop: scanning a 12 MB WAL of 3,000
;; frames took 34-53 ms in a fresh process with one, 17-25 ms with this (bench/RESULTS.md, sixth pass).
(module
  ;; Two pages, fixed: the running sums at 0 (s0) and 4 (s1), then one page of up to 64 KiB at 64.
  (memory (export "memory") 2 2)

  ;; Add the bytes at [p, p + length) to the sums at 0 and 4: pairs of 32-bit words, each in the
  ;; byte order the WAL's magic names (big-endian when big is 1), s0 += word0 + s1, s1 += word1 + s0.
  ;; A length that is not a multiple of 8 leaves its last bytes out, as SQLite's does.
  (func (export "checksum") (param $p i32) (param $length i32) (param $big i32)
    (local $end i32) (local $s0 i32) (local $s1 i32) (local $w0 i32) (local $w1 i32)
    (local.set $s0 (i32.load offset=0 (i32.const 0)))
    (local.set $s1 (i32.load offset=4 (i32.const 0)))
    (local.set $end (i32.add (local.get $p) (i32.and (local.get $length) (i32.const -8))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $w0 (i32.load offset=0 (local.get $p)))
        (local.set $w1 (i32.load offset=4 (local.get $p)))
        (if (local.get $big)
          (then
            ;; A byte swap: WebAssembly loads little-endian.
            (local.set $w0
              (i32.or
                (i32.and (i32.rotl (local.get $w0) (i32.const 8)) (i32.const 0x00FF00FF))
                (i32.and (i32.rotr (local.get $w0) (i32.const 8)) (i32.const 0xFF00FF00))))
            (local.set $w1
              (i32.or
                (i32.and (i32.rotl (local.get $w1) (i32.const 8)) (i32.const 0x00FF00FF))
                (i32.and (i32.rotr (local.get $w1) (i32.const 8)) (i32.const 0xFF00FF00))))))
        (local.set $s0 (i32.add (i32.add (local.get $s0) (local.get $w0)) (local.get $s1)))
        (local.set $s1 (i32.add (i32.add (local.get $s1) (local.get $w1)) (local.get $s0)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $pair)))
    (i32.store offset=0 (i32.const 0) (local.get $s0))
    (i32.store offset=4 (i32.const 0) (local.get $s1)))
)
