using CxContact.Admin.Api.Models;
using Microsoft.Kiota.Abstractions;

namespace CxContact.Admin.Shared;

/// <summary>
/// An API error as the console shows it: each field the problem details name goes next to that field, and the rest
/// (the title and detail) in one message above the form.
/// </summary>
public static class Problems
{
    public static (IDictionary<string, string> Fields, string Message) Read(ApiException e)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (e is ProblemDetails p)
        {
            foreach (var (name, value) in p.Errors?.AdditionalData ?? new Dictionary<string, object>())
                fields[name] = value is IEnumerable<object> many ? string.Join(" ", many) : value?.ToString() ?? "";
            var message = string.Join(": ", new[] { p.Title, p.Detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
            return (fields, message.Length > 0 ? message : $"The API answered {e.ResponseStatusCode}");
        }
        return (fields, $"The API answered {e.ResponseStatusCode}: {e.Message}");
    }
}
