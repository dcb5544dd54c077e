-- One database per service (run once, when the compose PostgreSQL volume is first initialized).
CREATE DATABASE kisum_platform;
CREATE DATABASE kisum_base;
CREATE DATABASE kisum_venue;
CREATE DATABASE kisum_finance;
CREATE DATABASE kisum_promoter;
