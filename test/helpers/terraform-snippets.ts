/** A described `aws_security_group` whose body is the given inline rule blocks. */
export const group = (name: string, body: string) => `resource "aws_security_group" "${name}" {
  description = "${name} tier"
${body}
}
`;

/** An inline TCP ingress block for one port from one CIDR. */
export const ingress = (port: number, cidr: string, description = 'access') => `  ingress {
    description = "${description}"
    from_port   = ${port}
    to_port     = ${port}
    protocol    = "tcp"
    cidr_blocks = ["${cidr}"]
  }`;
