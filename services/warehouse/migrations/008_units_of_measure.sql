-- U1: the item's units, replicated from the inventory service (ItemRegistered, ItemUnitsSet) with its
-- tracking policy. An item replicated before units existed has a blank base unit: it has no other units.
ALTER TABLE item_tracking ADD COLUMN base_unit text NOT NULL DEFAULT '',
                          ADD COLUMN rounding_precision numeric(18,6) NOT NULL DEFAULT 0.000001,
                          -- [{"code": "BOX", "per_base": "12", "precision": "1"}, ...]
                          ADD COLUMN units jsonb NOT NULL DEFAULT '[]';

-- U2: the unit a document line and a warehouse entry were stated in (blank: the base unit) and its
-- quantity per base unit then; their quantities are in base units.
ALTER TABLE warehouse_document_line ADD COLUMN unit_code text NOT NULL DEFAULT '',
                                    ADD COLUMN quantity_per_unit numeric(18,6) NOT NULL DEFAULT 1;
ALTER TABLE warehouse_entry ADD COLUMN unit_code text NOT NULL DEFAULT '',
                            ADD COLUMN quantity_per_unit numeric(18,6) NOT NULL DEFAULT 1;
