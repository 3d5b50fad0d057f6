namespace CxContact.Core.Lists;

/// <summary>
/// One per contact list. Keyed by the list id with the tenant id as key extension, so a list can only ever be
/// reached through its own tenant. Holds configuration and counters; the records are rows in PostgreSQL.
/// </summary>
public interface IContactListGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Creates the list; fails if it exists.</summary>
    Task<ContactListInfo> CreateAsync(ContactListDefinition definition);

    /// <summary>Returns the list, or null when it does not exist or was deleted.</summary>
    Task<ContactListInfo?> GetAsync();

    /// <summary>Renames, re-describes or changes defaults and the saved spec; null members stay as they are.</summary>
    Task<ContactListInfo?> UpdateAsync(ContactListDefinition changes);

    /// <summary>Deletes the list and drops its records. Returns false when there was no such list.</summary>
    Task<bool> DeleteAsync();

    /// <summary>Records a finished import (its summary, and the list's fresh counts).</summary>
    Task ImportFinishedAsync(ImportSummary summary, ListCounts counts);
}
