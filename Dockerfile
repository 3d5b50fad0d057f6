# The CX Contact server image: one image for every silo role (CXC_ROLES picks them). Multi-stage: the SDK publishes a
# self-contained server (no shared runtime in the final image), and the final stage is runtime-deps only, running as
# a non-root user with a read-only root filesystem (the chart mounts /tmp and the landing volume writable).
# Build: docker build -t cxcontact/server:dev .   (nothing here has been built with Docker on these machines: no
# engine runs here; the test PublishedServerTests runs the same publish output as its own process instead.)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so a code change does not redo it.
COPY global.json nuget.config Directory.Build.props Directory.Packages.props ./
COPY src/CxContact.Core/CxContact.Core.csproj src/CxContact.Core/
COPY src/CxContact.Admin/CxContact.Admin.csproj src/CxContact.Admin/
COPY src/CxContact.Server/CxContact.Server.csproj src/CxContact.Server/
RUN dotnet restore src/CxContact.Server/CxContact.Server.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/CxContact.Server/CxContact.Server.csproj -c Release -r linux-x64 --self-contained true --no-restore -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS final
WORKDIR /app
COPY --from=build --chown=root:root --chmod=0555 /app ./
# The images' unprivileged "app" user (uid 1654); the chart runs as the same uid with runAsNonRoot.
USER 1654
ENV ASPNETCORE_URLS=http://+:8080 \
    CXC_LANDING_DIR=/var/lib/cxcontact/landing \
    DOTNET_EnableDiagnostics=0 \
    TMPDIR=/tmp
EXPOSE 8080 11111 30000
ENTRYPOINT ["/app/CxContact.Server"]
