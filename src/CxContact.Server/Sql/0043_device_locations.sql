-- Each device's own place, worked out once at import (libphonenumber: the number's country, its area code's state or
-- province, its NANP area code), so the preload, filters and leases read it instead of guessing it from '+1%'.
-- NULL on rows imported before this migration: the preload fills them (DeviceLocationBackfill) before it reads them.
ALTER TABLE contact_records
    ADD COLUMN phone_countries  text[],
    ADD COLUMN phone_regions    text[],
    ADD COLUMN phone_area_codes smallint[];

-- The calling list carries the number's region and area code next to the contact's resolved country and region, so a
-- lease and "why" apply the area code's jurisdiction without parsing the number again.
ALTER TABLE calling_list
    ADD COLUMN phone_region text,
    ADD COLUMN area_code    smallint;
