-- Catalog bullets are exported with their list marker ("- organize: ...", "+ doll includes ...").
-- The marker is layout, not text: dropping it keeps the text and lets the formula check judge
-- what is left (a real formula such as "=HYPERLINK(...)" is still refused). A cell holding only
-- a marker is empty evidence, skipped like an empty cell.
update raw_product_qa
set candidate = case
    when regexp_full_match(candidate, '[\s\-+*•]+') then ''
    else regexp_replace(candidate, '^[\s\-+*•]+([\p{L}\p{N}(])', '\1')
end
where regexp_matches(candidate, '^[\s\-+*•]+([\p{L}\p{N}(]|$)')
