;; mov eax, [esi+4] / add [edi], eax / cmp byte [esi], 0 / jne .x / mov byte [edi+1], al / .x: movzx edx, byte [esi+1] / hlt
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
      block  ;; label = @2
        block  ;; label = @3
          local.get 1
          br_table 0 (;@3;) 1 (;@2;) 1 (;@2;)
        end
        i32.const 4
        i32.const 0
        i32.load offset=4120
        i32.add
        local.set 7
        block  ;; label = @3
          block  ;; label = @4
            local.get 7
            i32.const 12
            i32.shr_u
            i32.const 2
            i32.shl
            i32.load offset=1048576
            local.tee 9
            i32.const 0
            i32.load offset=5600
            i32.and
            i32.const 1
            i32.ne
            br_if 0 (;@4;)
            local.get 7
            i32.const 4095
            i32.and
            i32.const 4092
            i32.gt_u
            br_if 0 (;@4;)
            local.get 9
            i32.const -4096
            i32.and
            local.get 7
            i32.xor
            local.set 8
            i32.const 0
            local.get 8
            i32.load
            i32.store offset=4096
            br 1 (;@3;)
          end
          local.get 2
          i32.const 0
          i32.add
          i32.const 4096
          call 0
          if  ;; label = @4
            local.get 2
            i32.const 1
            i32.add
            return
          end
        end
        i32.const 0
        i32.const 0
        i32.load offset=4124
        i32.add
        local.set 7
        block  ;; label = @3
          block  ;; label = @4
            local.get 7
            i32.const 12
            i32.shr_u
            i32.const 2
            i32.shl
            i32.load offset=1048576
            local.tee 9
            i32.const 0
            i32.load offset=5604
            i32.and
            i32.const 1
            i32.ne
            br_if 0 (;@4;)
            local.get 7
            i32.const 4095
            i32.and
            i32.const 4092
            i32.gt_u
            br_if 0 (;@4;)
            local.get 9
            i32.const -4096
            i32.and
            local.get 7
            i32.xor
            local.set 8
            local.get 8
            i32.load
            local.set 3
            i32.const 0
            i32.load offset=4096
            local.set 4
            local.get 3
            local.get 4
            i32.add
            local.set 5
            local.get 8
            local.get 5
            i32.store
            i32.const 0
            i32.const 0
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
            br 1 (;@3;)
          end
          local.get 2
          i32.const 1
          i32.add
          i32.const 4099
          call 0
          if  ;; label = @4
            local.get 2
            i32.const 2
            i32.add
            return
          end
          i32.const 0
          i32.load offset=4152
          local.set 3
          i32.const 0
          i32.load offset=4156
          local.set 4
          i32.const 0
          i32.load offset=4148
          local.set 5
        end
        i32.const 0
        i32.const 0
        i32.load offset=4120
        i32.add
        local.set 7
        block  ;; label = @3
          block  ;; label = @4
            local.get 7
            i32.const 12
            i32.shr_u
            i32.const 2
            i32.shl
            i32.load offset=1048576
            local.tee 9
            i32.const 0
            i32.load offset=5600
            i32.and
            i32.const 1
            i32.ne
            br_if 0 (;@4;)
            local.get 9
            i32.const -4096
            i32.and
            local.get 7
            i32.xor
            local.set 8
            local.get 8
            i32.load8_u
            local.set 3
            i32.const 0
            local.set 4
            local.get 3
            local.get 4
            i32.sub
            local.set 5
            local.get 5
            i32.const 255
            i32.and
            local.set 5
            i32.const 0
            i32.const 2
            i32.store offset=4140
            i32.const 0
            i32.const 7
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
            br 1 (;@3;)
          end
          local.get 2
          i32.const 2
          i32.add
          i32.const 4101
          call 0
          if  ;; label = @4
            local.get 2
            i32.const 3
            i32.add
            return
          end
          i32.const 0
          i32.load offset=4152
          local.set 3
          i32.const 0
          i32.load offset=4156
          local.set 4
          i32.const 0
          i32.load offset=4148
          local.set 5
        end
        local.get 3
        local.get 4
        i32.eq
        i32.eqz
        if  ;; label = @3
          local.get 2
          i32.const 4
          i32.add
          local.tee 2
          i32.const 7
          i32.add
          local.get 0
          i32.le_s
          if  ;; label = @4
            i32.const 1
            local.set 1
            br 3 (;@1;)
          end
          i32.const 0
          i32.const 4109
          i32.store offset=4128
          i32.const 0
          i32.const 1
          i32.store offset=5596
          local.get 2
          return
        end
        i32.const 1
        i32.const 0
        i32.load offset=4124
        i32.add
        local.set 7
        block  ;; label = @3
          block  ;; label = @4
            local.get 7
            i32.const 12
            i32.shr_u
            i32.const 2
            i32.shl
            i32.load offset=1048576
            local.tee 9
            i32.const 0
            i32.load offset=5604
            i32.and
            i32.const 1
            i32.ne
            br_if 0 (;@4;)
            local.get 9
            i32.const -4096
            i32.and
            local.get 7
            i32.xor
            local.set 8
            i32.const 0
            i32.load8_u offset=4096
            local.set 6
            local.get 8
            local.get 6
            i32.store8
            br 1 (;@3;)
          end
          local.get 2
          i32.const 4
          i32.add
          i32.const 4106
          call 0
          if  ;; label = @4
            local.get 2
            i32.const 5
            i32.add
            return
          end
        end
        local.get 2
        i32.const 5
        i32.add
        local.tee 2
        i32.const 7
        i32.add
        local.get 0
        i32.gt_s
        if  ;; label = @3
          i32.const 0
          i32.const 4109
          i32.store offset=4128
          i32.const 0
          i32.const 1
          i32.store offset=5596
          local.get 2
          return
        end
      end
      i32.const 1
      i32.const 0
      i32.load offset=4120
      i32.add
      local.set 7
      block  ;; label = @2
        block  ;; label = @3
          local.get 7
          i32.const 12
          i32.shr_u
          i32.const 2
          i32.shl
          i32.load offset=1048576
          local.tee 9
          i32.const 0
          i32.load offset=5600
          i32.and
          i32.const 1
          i32.ne
          br_if 0 (;@3;)
          local.get 9
          i32.const -4096
          i32.and
          local.get 7
          i32.xor
          local.set 8
          i32.const 0
          local.get 8
          i32.load8_u
          i32.store offset=4104
          br 1 (;@2;)
        end
        local.get 2
        i32.const 0
        i32.add
        i32.const 4109
        call 0
        if  ;; label = @3
          local.get 2
          i32.const 1
          i32.add
          return
        end
      end
      local.get 2
      i32.const 1
      i32.add
      i32.const 4113
      call 0
      local.tee 6
      i32.const 2
      i32.eq
      if  ;; label = @2
        local.get 2
        i32.const 2
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
          i32.const 2
          i32.add
          local.tee 2
          i32.const 7
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
        i32.const 2
        i32.add
        return
      end
      i32.const 0
      i32.const 4114
      i32.store offset=4128
      i32.const 0
      i32.const 0
      i32.store offset=5596
      local.get 2
      i32.const 2
      i32.add
      return
    end
    unreachable)
  (export "f" (func 3)))
