"""`bcf collect`: many HWBs' returns, from files and the e-mails they came in, into tidy tables
and one summary workbook for the national team and regional Better Care Managers.

inputs  finds the returns (and e-mails) under the paths given
mail    takes workbook attachments out of .eml and .msg e-mails, in memory
examine reads, recognises, checks and balances one return (one read of the file)
figures turns one return's template, check and balances into rows of the tidy tables
history orders resubmissions and says what changed in the totals
tables  builds the pandas tables and writes them (money exact until the last step)
summary the summary workbook: a sheet per table, the validation matrix and native charts
pictures the same charts as PNG (needs the optional matplotlib)
run     puts them together, across the machine's cores
"""
