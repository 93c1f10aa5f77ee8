;; xor eax, eax / cpuid / sub ebx, 1 / setz cl / hlt
;; 1 module(s), in the order compiled
(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (result i32)))
  (import "c" "m" (memory (;0;) 0))
  (import "c" "s" (func (;0;) (type 1)))
  (import "c" "c" (func (;1;) (type 0)))
  (import "c" "f" (func (;2;) (type 2)))
  (func (;3;) (type 1) (param i32 i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i64)
    loop  ;; label = @1
      i32.const 0
      i32.load offset=4096
      local.set 3
      i32.const 0
      i32.load offset=4096
      local.set 4
      local.get 3
      local.get 4
      i32.xor
      local.set 5
      i32.const 0
      local.get 5
      i32.store offset=4096
      i32.const 0
      i32.const 4
      i32.store offset=4140
      i32.const 0
      i32.const 31
      i32.store offset=4144
      i32.const 0
      local.get 3
      i32.store offset=4152
      i32.const 0
      local.get 4
      i32.store offset=4156
      i32.const 0
      local.get 5
      i32.store offset=4148
      i32.const 0
      i32.const 2261
      i32.store offset=4136
      local.get 2
      i32.const 1
      i32.add
      i32.const 4098
      call 0
      if  ;; label = @2
        local.get 2
        i32.const 2
        i32.add
        return
      end
      i32.const 0
      i32.load offset=4108
      local.set 3
      i32.const 1
      local.set 4
      local.get 3
      local.get 4
      i32.sub
      local.set 5
      i32.const 0
      local.get 5
      i32.store offset=4108
      local.get 3
      local.get 4
      i32.eq
      local.set 6
      i32.const 0
      local.get 6
      i32.store8 offset=4100
      i32.const 0
      i32.const 2
      i32.store offset=4140
      i32.const 0
      i32.const 31
      i32.store offset=4144
      i32.const 0
      local.get 3
      i32.store offset=4152
      i32.const 0
      local.get 4
      i32.store offset=4156
      i32.const 0
      local.get 5
      i32.store offset=4148
      i32.const 0
      i32.const 2261
      i32.store offset=4136
      local.get 2
      i32.const 4
      i32.add
      i32.const 4106
      call 0
      local.tee 6
      i32.const 2
      i32.eq
      if  ;; label = @2
        local.get 2
        i32.const 5
        i32.add
        return
      end
      local.get 6
      if  ;; label = @2
        i32.const 0
        i32.load offset=4128
        i32.const 4096
        i32.eq
        if  ;; label = @3
          local.get 2
          i32.const 5
          i32.add
          local.tee 2
          i32.const 5
          i32.add
          local.get 0
          i32.le_s
          if  ;; label = @4
            i32.const 0
            local.set 1
            br 3 (;@1;)
          end
          i32.const 0
          i32.const 4096
          i32.store offset=4128
          i32.const 0
          i32.const 1
          i32.store offset=5596
          local.get 2
          return
        end
        i32.const 0
        i32.const 0
        i32.store offset=5596
        local.get 2
        i32.const 5
        i32.add
        return
      end
      i32.const 0
      i32.const 4107
      i32.store offset=4128
      i32.const 0
      i32.const 0
      i32.store offset=5596
      local.get 2
      i32.const 5
      i32.add
      return
    end
    unreachable)
  (export "f" (func 3)))
