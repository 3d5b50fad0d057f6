using CxContact.Core.Messaging;

namespace CxContact.Server.Messaging;

/// <summary>A message template as the API shows it, with its SMS length when it is one.</summary>
public sealed record MessageTemplate(
    Guid Id, string Name, string Channel, string Purpose, string? Subject, string Body, string? Html, SmsSegments? Segments,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
