using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Lists;

/// <summary>Drives the contact-list API the way a user's script would: create, upload, wait, read.</summary>
public sealed class ListClient(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<Guid> CreateListAsync(object? body = null)
    {
        var json = await HttpAssert.Json(await http.PostJson("/api/v1/contact-lists", body ?? new { name = "List " + Guid.NewGuid().ToString("N")[..6] }), HttpStatusCode.Created);
        return json.GetProperty("id").GetGuid();
    }

    public Task<HttpResponseMessage> UploadAsync(Guid listId, string content, string? mode = null, object? spec = null, string? idempotencyKey = null,
        Encoding? encoding = null) => UploadAsync(listId, (encoding ?? new UTF8Encoding(false)).GetBytes(content), mode, spec, idempotencyKey);

    public async Task<HttpResponseMessage> UploadAsync(Guid listId, byte[] content, string? mode = null, object? spec = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/contact-lists/{listId}/imports") { Content = Form(content, mode, spec) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    /// <summary>The dry run of a file's head: what the import would accept and reject; nothing is written.</summary>
    public Task<HttpResponseMessage> PreviewAsync(Guid listId, string content, string? mode = null, object? spec = null) =>
        http.PostAsync($"/api/v1/contact-lists/{listId}/imports/preview", Form(new UTF8Encoding(false).GetBytes(content), mode, spec));

    private static MultipartFormDataContent Form(byte[] content, string? mode, object? spec)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "contacts.csv");
        if (mode is not null) form.Add(new StringContent(mode), "mode");
        if (spec is not null) form.Add(new StringContent(spec as string ?? JsonSerializer.Serialize(spec, JsonSerializerOptions.Web)), "spec");
        return form;
    }

    /// <summary>Uploads and waits for the import to finish; returns its final status.</summary>
    public async Task<JsonElement> ImportAsync(Guid listId, string content, string? mode = null, object? spec = null, string? idempotencyKey = null, Encoding? encoding = null) =>
        await WaitAsync(listId, await QueueImportAsync(listId, content, mode, spec, idempotencyKey, encoding));

    /// <summary>Uploads (202) and returns the import's id without waiting for it.</summary>
    public async Task<Guid> QueueImportAsync(Guid listId, string content, string? mode = null, object? spec = null, string? idempotencyKey = null,
        Encoding? encoding = null)
    {
        var accepted = await HttpAssert.Json(await UploadAsync(listId, content, mode, spec, idempotencyKey, encoding), HttpStatusCode.Accepted);
        return accepted.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> WaitAsync(Guid listId, Guid importId)
    {
        var status = await Eventually.UntilAsync(async () => await HttpAssert.Json(await http.GetAsync($"/api/v1/contact-lists/{listId}/imports/{importId}"), HttpStatusCode.OK),
            s => s.GetProperty("state").GetString() is "succeeded" or "failed", TimeSpan.FromSeconds(90));
        return status.GetProperty("state").GetString() is "succeeded" or "failed" ? status
            : throw new TimeoutException($"import {importId} still {status.GetProperty("state").GetString()}: {status}");
    }

    /// <summary>Asserts the import succeeded, showing its whole status (error included) when it did not.</summary>
    public static void Succeeded(JsonElement status) =>
        Assert.True(status.GetProperty("state").GetString() == "succeeded", $"the import did not succeed: {status}");

    public async Task<JsonElement> ListAsync(Guid listId) =>
        await HttpAssert.Json(await http.GetAsync($"/api/v1/contact-lists/{listId}"), HttpStatusCode.OK);

    /// <param name="invalidOnly">Only the records with an invalid phone or email (?invalid=true).</param>
    public async Task<List<JsonElement>> RecordsAsync(Guid listId, bool invalidOnly = false)
    {
        var page = await HttpAssert.Json(await http.GetAsync($"/api/v1/contact-lists/{listId}/records?limit=1000{(invalidOnly ? "&invalid=true" : "")}"),
            HttpStatusCode.OK);
        return page.GetProperty("records").EnumerateArray().ToList();
    }

    public async Task<List<string[]>> ErrorsAsync(Guid listId, Guid importId)
    {
        var response = await http.GetAsync($"/api/v1/contact-lists/{listId}/imports/{importId}/errors");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,column,reason,severity", lines[0]);
        return lines.Skip(1).Select(SplitCsv).ToList();
    }

    /// <summary>Enough CSV for our own error report (quoted cells, doubled quotes).</summary>
    public static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        cells.Add(sb.ToString());
        return cells.ToArray();
    }
}
