using CxContact.Core.Compliance;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>/api/v1/message-templates: SMS and email templates, checked when saved, and a preview for one contact.</summary>
public static class MessageTemplatesApi
{
    public sealed record TemplateRequest(string? Name, string? Channel, string? Purpose, string? Subject, string? Body, string? Html);
    public sealed record PreviewRequest(Guid? ContactId);
    public sealed record Preview(Guid TemplateId, Guid ContactId, string? To, string? Subject, string Body, string? Html,
        Core.Messaging.SmsSegments? Segments);

    public static void MapMessageTemplatesApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/message-templates").WithTags("Messaging");

        g.MapPost("/", (TemplateRequest body, HttpContext http, MessageTemplateStore store, CancellationToken ct) => SaveAsync(null, body, http, store, ct))
            .RequireAuthorization(Policies.TenantOperator)
            .WithSummary("Add a template (Liquid): unknown fields, SMS over 10 segments and marketing SMS without an opt-out text are refused");
        g.MapPut("/{templateId:guid}", (Guid templateId, TemplateRequest body, HttpContext http, MessageTemplateStore store, CancellationToken ct) =>
                SaveAsync(templateId, body, http, store, ct))
            .RequireAuthorization(Policies.TenantOperator).WithSummary("Replace a template (checked as when added)");
        g.MapGet("/", async (HttpContext http, MessageTemplateStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(Caller.From(http.User).TenantId, ct)).Select(t => t.View()).ToList()))
            .RequireAuthorization(Policies.TenantReader).WithSummary("This tenant's message templates");
        g.MapGet("/{templateId:guid}", async Task<Results<Ok<MessageTemplate>, ProblemHttpResult>> (Guid templateId, HttpContext http, MessageTemplateStore store, CancellationToken ct) =>
                await store.GetAsync(Caller.From(http.User).TenantId, templateId, ct) is { } t ? TypedResults.Ok(t.View()) : NoSuchTemplate(templateId))
            .RequireAuthorization(Policies.TenantReader).WithSummary("A message template, with its SMS length in segments");
        g.MapDelete("/{templateId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid templateId, HttpContext http, MessageTemplateStore store, CancellationToken ct) =>
                await store.DeleteAsync(Caller.From(http.User).TenantId, templateId, ct) ? TypedResults.NoContent() : NoSuchTemplate(templateId))
            .RequireAuthorization(Policies.TenantOperator).WithSummary("Delete a message template");
        g.MapPost("/{templateId:guid}/preview", PreviewAsync)
            .RequireAuthorization(Policies.TenantReader).WithSummary("Render a template for one contact");
    }

    private static async Task<Results<Created<MessageTemplate>, Ok<MessageTemplate>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Guid? id, TemplateRequest body, HttpContext http, MessageTemplateStore store, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) errors.Add("name", "is required: 1 to 200 characters");
        var channel = Channel.Voice;
        if (body.Channel is null) errors.Add("channel", "is required: sms or email");
        else if (!Channels.TryParse(body.Channel, out channel) || channel == Channel.Voice) errors.Add("channel", $"\"{body.Channel}\" is not a messaging channel; use sms or email");
        var purpose = CallPurpose.Sales;
        if (body.Purpose is null) errors.Add("purpose", "is required: sales (marketing), debt-collection or informational");
        else if (!CallPurposes.TryParse(body.Purpose, out purpose)) errors.Add("purpose", $"\"{body.Purpose}\" is not a purpose; use sales, debt-collection or informational");
        if (errors.Any) return errors.ToProblem();
        if (MessageTemplateText.Check(channel, purpose, body.Subject, body.Body, body.Html, errors) is null) return errors.ToProblem();

        var caller = Caller.From(http.User);
        if (id is { } existing && await store.GetAsync(caller.TenantId, existing, ct) is null) return NoSuchTemplate(existing);
        var saved = await store.SaveAsync(caller.TenantId, id, name!, channel, purpose, body.Subject, body.Body!, body.Html, ct);
        if (saved is null)
            return TypedResults.Problem(statusCode: 409, title: "Template name taken", detail: $"This tenant already has a template named \"{name}\".",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = ["is taken"] } });
        return id is null ? TypedResults.Created($"/api/v1/message-templates/{saved.Id}", saved.View()) : TypedResults.Ok(saved.View());
    }

    private static async Task<Results<Ok<Preview>, ValidationProblem, ProblemHttpResult>> PreviewAsync(Guid templateId, PreviewRequest body, HttpContext http,
        MessageTemplateStore store, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (body.ContactId is not { } contactId) return new FieldErrors().Add("contactId", "is required: the contact to render the template for").ToProblem();
        if (await store.GetAsync(caller.TenantId, templateId, ct) is not { } t) return NoSuchTemplate(templateId);
        if ((await ContactFields.LoadAsync(db, caller.TenantId, [contactId], ct)).GetValueOrDefault(contactId) is not { } contact)
            return TypedResults.Problem(statusCode: 404, title: "No such contact", detail: $"This tenant has no contact {contactId}.");
        var fields = ContactFields.Of(contact);
        var (subject, text, html) = await MessageTemplateText.RenderAsync(t.Parsed(), fields);
        var to = (t.Channel == Channel.Sms ? fields["phone"] : fields["email"]) as string;
        return TypedResults.Ok(new Preview(templateId, contactId, to, subject, text, html,
            t.Channel == Channel.Sms ? Core.Messaging.SmsSegments.Count(text) : null));
    }

    private static ProblemHttpResult NoSuchTemplate(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "No such message template", detail: $"This tenant has no message template {id}.");
}
