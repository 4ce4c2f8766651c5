;; The Gram kernels of the CKA matrix (src/core/cka/wasmGram.ts), WebAssembly SIMD.
;;
;; "gram" (float64, f64x2): each representation X (n×d, centred, float64) is padded to
;; n4 = ⌈n/4⌉·4 rows and d4 = ⌈d/4⌉·4 columns with zeros and packed in groups of 4 rows: group g
;; holds rows 4g..4g+3 interleaved by pairs of columns, [row 0: k, k+1][row 1: k, k+1][row 2 …]
;; [row 3 …] then the next pair, so one pointer walks 4 rows (or 2 of them, as columns of the
;; Gram) 64 bytes per column pair. Zero padding adds nothing to any dot product. Products and
;; sums are float64 (lane 0 sums the even k, lane 1 the odd k).
;;
;; "gram32" (f32x4 products, float64 sums): the same, with X as float32, d8 = ⌈d/8⌉·8 columns and
;; groups interleaved by quads of columns ([row 0: k … k+3][row 1 …][row 2 …][row 3 …], 64 bytes),
;; twice the products per instruction. Float32 partial sums hold at most 16 products per lane
;; before they are added into float64.
;;
;; "dot" (float64) reads the Gram panels either kernel writes.
(module
  (memory (export "memory") 1)

  ;; Horizontal sum of an f64x2.
  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; A 4×2 block of the Gram: the 4 rows of the group at $x against the 2 rows (lanes) at $y,
  ;; $n4 = d4/4 steps of 128 bytes (two column pairs each). Writes out[0..3][0..1], row stride
  ;; $ws bytes, from $o. Eight accumulators, so the adds' latency is hidden.
  (func $block (param $x i32) (param $y i32) (param $n4 i32) (param $o i32) (param $ws i32)
    (local $end i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $y0 v128) (local $y1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n4) (i32.const 7))))
    (loop $k
      (local.set $y0 (v128.load (local.get $y)))
      (local.set $y1 (v128.load offset=16 (local.get $y)))
      (local.set $x0 (v128.load (local.get $x)))
      (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
      (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
      (local.set $x1 (v128.load offset=16 (local.get $x)))
      (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
      (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
      (local.set $x2 (v128.load offset=32 (local.get $x)))
      (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x2) (local.get $y0))))
      (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x2) (local.get $y1))))
      (local.set $x3 (v128.load offset=48 (local.get $x)))
      (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x3) (local.get $y0))))
      (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x3) (local.get $y1))))
      (local.set $y0 (v128.load offset=64 (local.get $y)))
      (local.set $y1 (v128.load offset=80 (local.get $y)))
      (local.set $x0 (v128.load offset=64 (local.get $x)))
      (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
      (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
      (local.set $x1 (v128.load offset=80 (local.get $x)))
      (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
      (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
      (local.set $x2 (v128.load offset=96 (local.get $x)))
      (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x2) (local.get $y0))))
      (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x2) (local.get $y1))))
      (local.set $x3 (v128.load offset=112 (local.get $x)))
      (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x3) (local.get $y0))))
      (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x3) (local.get $y1))))
      (local.set $x (i32.add (local.get $x) (i32.const 128)))
      (local.set $y (i32.add (local.get $y) (i32.const 128)))
      (br_if $k (i32.lt_u (local.get $x) (local.get $end))))
    (f64.store (local.get $o) (call $hsum (local.get $s00)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $s01)))
    (local.set $o (i32.add (local.get $o) (local.get $ws)))
    (f64.store (local.get $o) (call $hsum (local.get $s10)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $s11)))
    (local.set $o (i32.add (local.get $o) (local.get $ws)))
    (f64.store (local.get $o) (call $hsum (local.get $s20)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $s21)))
    (local.set $o (i32.add (local.get $o) (local.get $ws)))
    (f64.store (local.get $o) (call $hsum (local.get $s30)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $s31))))

  ;; Rows [r0, ⌈r1/4⌉·4) of the Gram X·Xᵀ of the packed X at $base ($d4 padded columns), columns
  ;; [0, 4g + 4) for each group g (the lower triangle and the 4×4 diagonal blocks), into $out as
  ;; rows of $w float64 (row r at $out + (r − r0)·8w). $r0 must be a multiple of 4.
  (func (export "gram") (param $base i32) (param $d4 i32) (param $r0 i32) (param $r1 i32)
    (param $out i32) (param $w i32)
    (local $gb i32) (local $n4 i32) (local $ws i32) (local $r i32) (local $x i32) (local $o i32)
    (local $c i32)
    (local.set $gb (i32.shl (local.get $d4) (i32.const 5)))
    (local.set $n4 (i32.shr_u (local.get $d4) (i32.const 2)))
    (local.set $ws (i32.shl (local.get $w) (i32.const 3)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $x (i32.add (local.get $base)
          (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (local.get $gb))))
        (local.set $o (i32.add (local.get $out)
          (i32.mul (i32.sub (local.get $r) (local.get $r0)) (local.get $ws))))
        (local.set $c (i32.const 0))
        (loop $cols
          (call $block
            (local.get $x)
            (i32.add
              (i32.add (local.get $base)
                (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (local.get $gb)))
              (i32.shl (i32.and (local.get $c) (i32.const 3)) (i32.const 4)))
            (local.get $n4)
            (i32.add (local.get $o) (i32.shl (local.get $c) (i32.const 3)))
            (local.get $ws))
          (local.set $c (i32.add (local.get $c) (i32.const 2)))
          (br_if $cols (i32.le_u (local.get $c) (i32.add (local.get $r) (i32.const 2)))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows))))

  ;; f32x4 lanes 0-1 and 2-3 promoted to float64 and added: an f64x2.
  (func $widen (param $s v128) (result v128)
    (f64x2.add (f64x2.promote_low_f32x4 (local.get $s))
      (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s) (local.get $s)))))

  ;; The f32x4 twin of $block for the f32 layout (gram32): 4 rows at $x against 2 rows at $y,
  ;; $nq column quads of 64 bytes (4 rows × 4 floats), two quads per step. Products and partial
  ;; sums are float32 for 16 quads (64 columns: 16 products per lane), then each accumulator is
  ;; widened and added into a float64 one ($widen), so no float32 sum ever holds more than 16
  ;; products. Writes out[0..3][0..1] as float64, row stride $ws bytes, from $o.
  (func $block32 (param $x i32) (param $y i32) (param $nq i32) (param $o i32) (param $ws i32)
    (local $end i32) (local $cend i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128) (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $nq) (i32.const 6))))
    (loop $chunk
      (local.set $cend (i32.add (local.get $x) (i32.const 1024)))
      (if (i32.gt_u (local.get $cend) (local.get $end)) (then (local.set $cend (local.get $end))))
      (loop $k
        (local.set $y0 (v128.load offset=0 (local.get $y)))
        (local.set $y1 (v128.load offset=16 (local.get $y)))
        (local.set $x0 (v128.load offset=0 (local.get $x)))
        (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y0))))
        (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y1))))
        (local.set $x1 (v128.load offset=16 (local.get $x)))
        (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y0))))
        (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y1))))
        (local.set $x2 (v128.load offset=32 (local.get $x)))
        (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x2) (local.get $y0))))
        (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x2) (local.get $y1))))
        (local.set $x3 (v128.load offset=48 (local.get $x)))
        (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x3) (local.get $y0))))
        (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x3) (local.get $y1))))
        (local.set $y0 (v128.load offset=64 (local.get $y)))
        (local.set $y1 (v128.load offset=80 (local.get $y)))
        (local.set $x0 (v128.load offset=64 (local.get $x)))
        (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y0))))
        (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y1))))
        (local.set $x1 (v128.load offset=80 (local.get $x)))
        (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y0))))
        (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y1))))
        (local.set $x2 (v128.load offset=96 (local.get $x)))
        (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x2) (local.get $y0))))
        (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x2) (local.get $y1))))
        (local.set $x3 (v128.load offset=112 (local.get $x)))
        (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x3) (local.get $y0))))
        (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x3) (local.get $y1))))
        (local.set $x (i32.add (local.get $x) (i32.const 128)))
        (local.set $y (i32.add (local.get $y) (i32.const 128)))
        (br_if $k (i32.lt_u (local.get $x) (local.get $cend))))
      (local.set $a00 (f64x2.add (local.get $a00) (call $widen (local.get $s00))))
      (local.set $s00 (v128.const i32x4 0 0 0 0))
      (local.set $a01 (f64x2.add (local.get $a01) (call $widen (local.get $s01))))
      (local.set $s01 (v128.const i32x4 0 0 0 0))
      (local.set $a10 (f64x2.add (local.get $a10) (call $widen (local.get $s10))))
      (local.set $s10 (v128.const i32x4 0 0 0 0))
      (local.set $a11 (f64x2.add (local.get $a11) (call $widen (local.get $s11))))
      (local.set $s11 (v128.const i32x4 0 0 0 0))
      (local.set $a20 (f64x2.add (local.get $a20) (call $widen (local.get $s20))))
      (local.set $s20 (v128.const i32x4 0 0 0 0))
      (local.set $a21 (f64x2.add (local.get $a21) (call $widen (local.get $s21))))
      (local.set $s21 (v128.const i32x4 0 0 0 0))
      (local.set $a30 (f64x2.add (local.get $a30) (call $widen (local.get $s30))))
      (local.set $s30 (v128.const i32x4 0 0 0 0))
      (local.set $a31 (f64x2.add (local.get $a31) (call $widen (local.get $s31))))
      (local.set $s31 (v128.const i32x4 0 0 0 0))
      (br_if $chunk (i32.lt_u (local.get $x) (local.get $end))))
    (f64.store (local.get $o) (call $hsum (local.get $a00)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $a01)))
    (local.set $o (i32.add (local.get $o) (local.get $ws)))
    (f64.store (local.get $o) (call $hsum (local.get $a10)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $a11)))
    (local.set $o (i32.add (local.get $o) (local.get $ws)))
    (f64.store (local.get $o) (call $hsum (local.get $a20)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $a21)))
    (local.set $o (i32.add (local.get $o) (local.get $ws)))
    (f64.store (local.get $o) (call $hsum (local.get $a30)))
    (f64.store offset=8 (local.get $o) (call $hsum (local.get $a31)))
    )
  ;; gram32: "gram" for representations packed as float32 (4-row groups interleaved by column
  ;; quads, $d8 padded columns, a multiple of 8), on $block32. Same output layout as "gram".
  (func (export "gram32") (param $base i32) (param $d8 i32) (param $r0 i32) (param $r1 i32)
    (param $out i32) (param $w i32)
    (local $gb i32) (local $nq i32) (local $ws i32) (local $r i32) (local $x i32) (local $o i32)
    (local $c i32)
    (local.set $gb (i32.shl (local.get $d8) (i32.const 4)))
    (local.set $nq (i32.shr_u (local.get $d8) (i32.const 2)))
    (local.set $ws (i32.shl (local.get $w) (i32.const 3)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $x (i32.add (local.get $base)
          (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (local.get $gb))))
        (local.set $o (i32.add (local.get $out)
          (i32.mul (i32.sub (local.get $r) (local.get $r0)) (local.get $ws))))
        (local.set $c (i32.const 0))
        (loop $cols
          (call $block32
            (local.get $x)
            (i32.add
              (i32.add (local.get $base)
                (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (local.get $gb)))
              (i32.shl (i32.and (local.get $c) (i32.const 3)) (i32.const 4)))
            (local.get $nq)
            (i32.add (local.get $o) (i32.shl (local.get $c) (i32.const 3)))
            (local.get $ws))
          (local.set $c (i32.add (local.get $c) (i32.const 2)))
          (br_if $cols (i32.le_u (local.get $c) (i32.add (local.get $r) (i32.const 2)))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows))))
  ;; Σ_{r ∈ [r0, r1), c ≤ r} w_rc·A_rc·B_rc, w = 2 below the diagonal and 1 on it, for two panels
  ;; written by "gram" with the same r0 and $w: the panel's share of ⟨K_a, K_b⟩.
  (func (export "dot") (param $a i32) (param $b i32) (param $r0 i32) (param $r1 i32) (param $w i32)
    (result f64)
    (local $r i32) (local $pa i32) (local $pb i32) (local $end i32) (local $ws i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $off f64) (local $diag f64)
    (local.set $ws (i32.shl (local.get $w) (i32.const 3)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $pa (i32.add (local.get $a)
          (i32.mul (i32.sub (local.get $r) (local.get $r0)) (local.get $ws))))
        (local.set $pb (i32.add (local.get $b)
          (i32.mul (i32.sub (local.get $r) (local.get $r0)) (local.get $ws))))
        ;; columns [0, r): 8 at a time, then 4, 2, 1
        (local.set $end (i32.add (local.get $pa)
          (i32.shl (i32.and (local.get $r) (i32.const -8)) (i32.const 3))))
        (block $by8done
          (loop $by8
            (br_if $by8done (i32.ge_u (local.get $pa) (local.get $end)))
            (local.set $s0 (f64x2.add (local.get $s0)
              (f64x2.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
            (local.set $s1 (f64x2.add (local.get $s1)
              (f64x2.mul (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
            (local.set $s2 (f64x2.add (local.get $s2)
              (f64x2.mul (v128.load offset=32 (local.get $pa)) (v128.load offset=32 (local.get $pb)))))
            (local.set $s3 (f64x2.add (local.get $s3)
              (f64x2.mul (v128.load offset=48 (local.get $pa)) (v128.load offset=48 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
            (br $by8)))
        (if (i32.and (local.get $r) (i32.const 4))
          (then
            (local.set $s0 (f64x2.add (local.get $s0)
              (f64x2.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
            (local.set $s1 (f64x2.add (local.get $s1)
              (f64x2.mul (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))))
        (if (i32.and (local.get $r) (i32.const 2))
          (then
            (local.set $s2 (f64x2.add (local.get $s2)
              (f64x2.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 16)))))
        (if (i32.and (local.get $r) (i32.const 1))
          (then
            (local.set $off (f64.add (local.get $off)
              (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))))
        (local.set $diag (f64.add (local.get $diag)
          (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (f64.add
      (f64.mul (f64.const 2)
        (f64.add (local.get $off) (call $hsum (f64x2.add (f64x2.add (local.get $s0) (local.get $s1))
          (f64x2.add (local.get $s2) (local.get $s3))))))
      (local.get $diag)))
)
