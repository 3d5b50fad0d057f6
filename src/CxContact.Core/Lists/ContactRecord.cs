using CxContact.Core.Phones;

namespace CxContact.Core.Lists;

/// <summary>One normalised record on its way into a list. Mutable: built field by field from a row.</summary>
public sealed class ContactRecord
{
    /// <summary>1-based line of the file the record came from (the header is row 1 when there is one).</summary>
    public int Row { get; set; }
    public string? ClientId { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }
    public string? PostalCode { get; set; }
    public string? Region { get; set; }
    public string? Country { get; set; }
    /// <summary>The record's own zone (explicit tz, else from the postal code); devices may add their own candidates.</summary>
    public string? TimeZone { get; set; }
    public List<string> Emails { get; } = new(StandardFields.MaxEmails);
    public List<ContactDevice> Devices { get; } = new(2);
    /// <summary>Phones and emails the row gave that cannot be used; null when there are none (most rows).</summary>
    public List<InvalidDevice>? InvalidDevices { get; set; }
    /// <summary>Custom fields, already typed: string, decimal, DateOnly or bool.</summary>
    public Dictionary<string, object>? Custom { get; set; }

    /// <summary>A standard or custom field's value as text (for update keys and selection rules).</summary>
    public string? Get(string field) => field switch
    {
        StandardFields.ClientId => ClientId,
        StandardFields.FirstName => FirstName,
        StandardFields.LastName => LastName,
        StandardFields.Company => Company,
        StandardFields.PostalCode => PostalCode,
        StandardFields.Region => Region,
        StandardFields.Country => Country,
        StandardFields.TimeZone => TimeZone,
        _ when StandardFields.EmailSlot(field) is > 0 and var e => e <= Emails.Count ? Emails[e - 1] : null,
        _ when StandardFields.PhoneSlot(field) is > 0 and var p => Devices.FirstOrDefault(d => d.Slot == p)?.E164,
        _ => Custom is not null && Custom.TryGetValue(field, out var v) ? CustomValues.ToText(v) : null,
    };
}
