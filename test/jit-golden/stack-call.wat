;; push ebx / call .f / pop ebx / hlt / .f: lea eax, [ebx+ecx*4+8] / ret
;; 3 module(s), in the order compiled
(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (result i32)))
  (import "c" "m" (memory (;0;) 0))
  (import "c" "s" (func (;0;) (type 1)))
  (import "c" "c" (func (;1;) (type 0)))
  (import "c" "f" (func (;2;) (type 2)))
  (func (;3;) (type 0) (param i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i64)
    loop  ;; label = @1
      i32.const 0
      i32.load offset=4108
      local.set 5
      i32.const 0
      i32.load offset=4112
      i32.const 4
      i32.sub
      local.set 6
      block  ;; label = @2
        block  ;; label = @3
          i32.const 0
          i32.load offset=4360
          i32.const 7
          i32.and
          i32.const 7
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4296
          i32.lt_u
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4328
          i32.gt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4328
          local.get 6
          i32.sub
          i32.const 3
          i32.lt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4200
          local.get 6
          i32.add
          local.set 6
          local.get 6
          i32.const 12
          i32.shr_u
          i32.const 2
          i32.shl
          i32.load offset=1048576
          local.tee 8
          i32.const 0
          i32.load offset=5604
          i32.and
          i32.const 1
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 4095
          i32.and
          i32.const 4092
          i32.gt_u
          br_if 0 (;@3;)
          local.get 8
          i32.const -4096
          i32.and
          local.get 6
          i32.xor
          local.set 7
          local.get 7
          local.get 5
          i32.store
          i32.const 0
          i32.const 0
          i32.load offset=4112
          i32.const 4
          i32.sub
          i32.store offset=4112
          br 1 (;@2;)
        end
        local.get 1
        i32.const 0
        i32.add
        i32.const 4096
        call 0
        if  ;; label = @3
          local.get 1
          i32.const 1
          i32.add
          return
        end
      end
      i32.const 4102
      local.set 5
      i32.const 0
      i32.load offset=4112
      i32.const 4
      i32.sub
      local.set 6
      block  ;; label = @2
        block  ;; label = @3
          i32.const 0
          i32.load offset=4360
          i32.const 7
          i32.and
          i32.const 7
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4296
          i32.lt_u
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4328
          i32.gt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4328
          local.get 6
          i32.sub
          i32.const 3
          i32.lt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4200
          local.get 6
          i32.add
          local.set 6
          local.get 6
          i32.const 12
          i32.shr_u
          i32.const 2
          i32.shl
          i32.load offset=1048576
          local.tee 8
          i32.const 0
          i32.load offset=5604
          i32.and
          i32.const 1
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 4095
          i32.and
          i32.const 4092
          i32.gt_u
          br_if 0 (;@3;)
          local.get 8
          i32.const -4096
          i32.and
          local.get 6
          i32.xor
          local.set 7
          local.get 7
          local.get 5
          i32.store
          i32.const 0
          i32.const 0
          i32.load offset=4112
          i32.const 4
          i32.sub
          i32.store offset=4112
          br 1 (;@2;)
        end
        local.get 1
        i32.const 1
        i32.add
        i32.const 4097
        call 0
        if  ;; label = @3
          local.get 1
          i32.const 2
          i32.add
          return
        end
      end
      i32.const 0
      i32.const 4104
      i32.store offset=4128
      i32.const 0
      i32.const 0
      i32.store offset=5596
      local.get 1
      i32.const 2
      i32.add
      return
    end
    unreachable)
  (export "f" (func 3)))

(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (result i32)))
  (import "c" "m" (memory (;0;) 0))
  (import "c" "s" (func (;0;) (type 1)))
  (import "c" "c" (func (;1;) (type 0)))
  (import "c" "f" (func (;2;) (type 2)))
  (func (;3;) (type 0) (param i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i64)
    loop  ;; label = @1
      i32.const 0
      i32.const 8
      i32.const 0
      i32.load offset=4108
      i32.add
      i32.const 0
      i32.load offset=4100
      i32.const 2
      i32.shl
      i32.add
      i32.store offset=4096
      i32.const 0
      i32.load offset=4112
      local.set 6
      block  ;; label = @2
        block  ;; label = @3
          i32.const 0
          i32.load offset=4360
          i32.const 5
          i32.and
          i32.const 5
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4296
          i32.lt_u
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4328
          i32.gt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4328
          local.get 6
          i32.sub
          i32.const 3
          i32.lt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4200
          local.get 6
          i32.add
          local.set 6
          local.get 6
          i32.const 12
          i32.shr_u
          i32.const 2
          i32.shl
          i32.load offset=1048576
          local.tee 8
          i32.const 0
          i32.load offset=5600
          i32.and
          i32.const 1
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 4095
          i32.and
          i32.const 4092
          i32.gt_u
          br_if 0 (;@3;)
          local.get 8
          i32.const -4096
          i32.and
          local.get 6
          i32.xor
          local.set 7
          local.get 7
          i32.load
          local.set 5
          local.get 5
          i32.const 0
          i32.load offset=4228
          i32.gt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.const 0
          i32.load offset=4112
          i32.const 4
          i32.add
          i32.store offset=4112
          i32.const 0
          local.get 5
          i32.store offset=4128
          i32.const 0
          i32.const 0
          i32.store offset=5596
          local.get 1
          i32.const 2
          i32.add
          return
          br 1 (;@2;)
        end
        local.get 1
        i32.const 1
        i32.add
        i32.const 4108
        call 0
        if  ;; label = @3
          local.get 1
          i32.const 2
          i32.add
          return
        end
      end
      i32.const 0
      i32.const 4109
      i32.store offset=4128
      i32.const 0
      i32.const 0
      i32.store offset=5596
      local.get 1
      i32.const 2
      i32.add
      return
    end
    unreachable)
  (export "f" (func 3)))

(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (result i32)))
  (import "c" "m" (memory (;0;) 0))
  (import "c" "s" (func (;0;) (type 1)))
  (import "c" "c" (func (;1;) (type 0)))
  (import "c" "f" (func (;2;) (type 2)))
  (func (;3;) (type 0) (param i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i64)
    loop  ;; label = @1
      i32.const 0
      i32.load offset=4112
      local.set 6
      block  ;; label = @2
        block  ;; label = @3
          i32.const 0
          i32.load offset=4360
          i32.const 5
          i32.and
          i32.const 5
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4296
          i32.lt_u
          br_if 0 (;@3;)
          local.get 6
          i32.const 0
          i32.load offset=4328
          i32.gt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4328
          local.get 6
          i32.sub
          i32.const 3
          i32.lt_u
          br_if 0 (;@3;)
          i32.const 0
          i32.load offset=4200
          local.get 6
          i32.add
          local.set 6
          local.get 6
          i32.const 12
          i32.shr_u
          i32.const 2
          i32.shl
          i32.load offset=1048576
          local.tee 8
          i32.const 0
          i32.load offset=5600
          i32.and
          i32.const 1
          i32.ne
          br_if 0 (;@3;)
          local.get 6
          i32.const 4095
          i32.and
          i32.const 4092
          i32.gt_u
          br_if 0 (;@3;)
          local.get 8
          i32.const -4096
          i32.and
          local.get 6
          i32.xor
          local.set 7
          i32.const 0
          i32.const 0
          i32.load offset=4112
          i32.const 4
          i32.add
          i32.store offset=4112
          i32.const 0
          local.get 7
          i32.load
          i32.store offset=4108
          br 1 (;@2;)
        end
        local.get 1
        i32.const 0
        i32.add
        i32.const 4102
        call 0
        if  ;; label = @3
          local.get 1
          i32.const 1
          i32.add
          return
        end
      end
      local.get 1
      i32.const 1
      i32.add
      i32.const 4103
      call 0
      local.tee 5
      i32.const 2
      i32.eq
      if  ;; label = @2
        local.get 1
        i32.const 2
        i32.add
        return
      end
      local.get 5
      if  ;; label = @2
        i32.const 0
        i32.load offset=4128
        i32.const 4102
        i32.eq
        local.get 1
        i32.const 4
        i32.add
        local.get 0
        i32.le_s
        i32.and
        if  ;; label = @3
          local.get 1
          i32.const 2
          i32.add
          local.set 1
          br 2 (;@1;)
        end
        i32.const 0
        i32.const 0
        i32.store offset=5596
        local.get 1
        i32.const 2
        i32.add
        return
      end
      i32.const 0
      i32.const 4104
      i32.store offset=4128
      i32.const 0
      i32.const 0
      i32.store offset=5596
      local.get 1
      i32.const 2
      i32.add
      return
    end
    unreachable)
  (export "f" (func 3)))
