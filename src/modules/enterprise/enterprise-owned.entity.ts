import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { Enterprise } from './enterprise.entity';

/** A row that belongs to one enterprise and is deleted with it. */
export abstract class EnterpriseOwned {
  @Column('uuid')
  enterpriseId: string;

  @ManyToOne(() => Enterprise, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enterpriseId' })
  private readonly enterpriseRow?: Enterprise;
}
