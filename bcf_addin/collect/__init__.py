"""`bcf collect`: many HWBs' returns, from files and the e-mails they came in, into tidy tables
and one summary workbook for the national team and regional Better Care Managers.

inputs  finds the returns (and e-mails) under the paths given, and which file came first
mail    takes workbook attachments out of .eml and .msg e-mails, in memory
workers runs the per-return work in worker processes, one per core, or in this process
examine reads, hashes, recognises, checks and balances one return (one read of the file)
figures turns one return's template, check and balances into columns of the tidy tables
history orders resubmissions and says what changed in the totals
formats the output formats, checked before anything is read
tables  builds the pandas tables and writes them (money exact until the last step)
sheets  writes tables into workbook sheets as SpreadsheetML, without a Python object per cell
summary the summary workbook: a sheet per table, the validation matrix and native charts
pictures the same charts as PNG (needs the optional matplotlib), drawn by the workers
run     puts them together, across the machine's cores
"""
