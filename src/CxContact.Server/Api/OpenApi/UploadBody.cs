using Microsoft.OpenApi;

namespace CxContact.Server.Api.OpenApi;

/// <summary>
/// Marks an endpoint that reads a multipart upload itself (parts file, spec, mode; the file streams to disk, never
/// bound). The document describes that body so generated clients can send it, without the content-type constraint
/// Accepts() would add: the same endpoints also take a JSON body (a pull from SFTP), which must not be refused.
/// </summary>
public sealed class UploadBody
{
    public static readonly UploadBody Instance = new();

    private UploadBody() { }

    public static OpenApiRequestBody Describe() => new()
    {
        Required = true,
        Description = "multipart/form-data: file (the file to import), spec (the import spec as JSON; the list's saved spec when left out), mode. " +
                      "A JSON body {source: {sftpConnectionId, remotePath}, mode?, spec?} pulls the file from SFTP instead.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "file" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The file to import." },
                        ["spec"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The import spec as JSON." },
                        ["mode"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "How the file changes the list." },
                    },
                },
            },
        },
    };
}
