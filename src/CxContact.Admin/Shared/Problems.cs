using CxContact.Admin.Api.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace CxContact.Admin.Shared;

/// <summary>
/// An API error as the console shows it: each field the problem details name goes next to that field, and the rest
/// (the title and detail) in one message above the form. A 400 from an endpoint that validates arrives as
/// HttpValidationProblemDetails, any other error as ProblemDetails (both RFC 7807).
/// </summary>
public static class Problems
{
    public static (IDictionary<string, string> Fields, string Message) Read(ApiException e) => e switch
    {
        HttpValidationProblemDetails v => From(v.Title, v.Detail, v.Errors?.AdditionalData, e),
        ProblemDetails p => From(p.Title, p.Detail, p.Errors?.AdditionalData, e),
        _ => (new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), $"The API answered {e.ResponseStatusCode}: {e.Message}"),
    };

    private static (IDictionary<string, string>, string) From(string? title, string? detail, IDictionary<string, object>? errors, ApiException e)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in errors ?? new Dictionary<string, object>())
            fields[name] = Text(value);
        var message = string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return (fields, message.Length > 0 ? message : $"The API answered {e.ResponseStatusCode}");
    }

    /// <summary>An errors entry is an array of messages; Kiota hands untyped JSON over as its Untyped nodes.</summary>
    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        UntypedString s => s.GetValue() ?? "",
        UntypedArray a => string.Join(" ", a.GetValue().Select(Text)),
        UntypedNode n => n.ToString() ?? "",
        IEnumerable<object> many => string.Join(" ", many.Select(Text)),
        _ => value.ToString() ?? "",
    };
}
