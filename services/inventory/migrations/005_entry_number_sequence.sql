-- Entry numbers come from a sequence instead of the counter row that every posting locked for
-- its whole transaction (issue 10): postings of different items no longer wait for each other.
--
-- Numbers may have gaps: a posting draws one per line it may apply (its own and those of the
-- parked postings it retries), and a rolled back transaction does not give its numbers back.
-- First in, first out stays right per item and location: a posting draws its numbers under
-- that stock's lock, after every earlier posting of the stock committed, and a sequence never
-- hands out a number below one it already handed out. CACHE 1 (the default) is what makes this
-- hold across sessions: with a cache, one session could hand out numbers below another's.
CREATE SEQUENCE item_ledger_entry_no AS bigint MINVALUE 1 CACHE 1;
SELECT setval('item_ledger_entry_no', next_entry_no, false) FROM entry_counter;
DROP TABLE entry_counter;
