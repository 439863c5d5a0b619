# sg-lint in a container: the committed single-file bundle on a small Node.js image, run as an unprivileged user.
# Nothing is installed from npm. Build it from a checkout, then lint a directory mounted at /src:
#   docker build -t sg-lint .
#   docker run --rm --init -v "$PWD:/src:ro" sg-lint ./infra
FROM node:20-alpine

LABEL org.opencontainers.image.title="sg-lint" \
      org.opencontainers.image.description="Static analyzer for AWS security groups in Terraform, CloudFormation and CDK" \
      org.opencontainers.image.source="https://github.com/sg-lint/sg-lint" \
      org.opencontainers.image.licenses="Apache-2.0"

# git gives the repository root (SARIF paths, the scan root) and --changed-since. A mounted repository belongs to another
# user, which git refuses to read unless the directory is declared safe.
RUN apk add --no-cache git \
 && git config --system --add safe.directory '*' \
 && printf '#!/bin/sh\nexec node /opt/sg-lint/sg-lint.mjs "$@"\n' > /usr/local/bin/sg-lint \
 && chmod 755 /usr/local/bin/sg-lint

COPY bundle/sg-lint.mjs /opt/sg-lint/sg-lint.mjs

USER node
WORKDIR /src
ENTRYPOINT ["sg-lint"]
