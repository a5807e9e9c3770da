import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named, gap-free counter (e.g. the share event cursor); see `allocate` in counters.ts. */
@Entity('counter')
export class Counter {
  @PrimaryColumn('varchar', { length: 64 })
  name: string;

  @Column('bigint')
  value: string;
}
